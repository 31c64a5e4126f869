"""``keras.preprocessing``: text (Tokenizer), sequence (pad_sequences), image
(ImageDataGenerator, load_img, img_to_array) -- Keras 2's utilities on NumPy."""
from torchkeras.preprocessing import image, sequence, text

__all__ = ["image", "sequence", "text"]
