"""The object registry (layer 1 in README "Layout"): registration and (de)serialization of
Keras objects by name, the table of built-in objects, and the file helpers every format uses.

``object_registration`` (``register_keras_serializable``, custom object scopes),
``serialization`` (``serialize_keras_object``/``deserialize_keras_object``),
``builtin_objects`` (the one table layers, losses, metrics and optimizers register in),
``function_lookup`` (Lambda's named functions), ``keras_layer_args``, and the helpers of the
file formats: ``h5_utils``, ``atomic``, ``json_limits``, ``weight_check``. The public names
are re-exported by ``keras.saving`` and ``keras.utils``; this ``__init__`` imports nothing,
so importing one module does not load the others.
"""
