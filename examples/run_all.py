"""The main job: run every tutorial example in turn (train and evaluate on built-in data).

Run: python examples/run_all.py
"""
import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLES = [("perceptron.py", []), ("xor.py", ["1000"]), ("binary_classification.py", []),
            ("multiclass_classification.py", []), ("functional_api.py", []),
            ("cnn_image_classifier.py", []), ("augmented_image_classifier.py", []),
            ("lstm_text_classifier.py", []),
            ("text_vectorization_classifier.py", []),
            ("image_folder_classifier.py", []),
            ("transfer_learning.py", [])]

for script, args in EXAMPLES:
    print(f"\n=== {script} ===", flush=True)
    sys.argv = [str(HERE / script)] + args
    runpy.run_path(str(HERE / script), run_name="__main__")
