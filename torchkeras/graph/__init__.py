"""The symbolic graph that ``Layer`` builds on: ``KerasTensor``, ``Node`` (a layer called on
symbolic tensors), shape structures and the conversion of call inputs to tensors.

Below ``layers`` and above ``backend``: nothing here imports a layer or a model.
"""
