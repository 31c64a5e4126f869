"""backend/masking.py: the public readers of a tensor's Keras mask and logits."""
import torch

import torchkeras as keras
from torchkeras.backend.masking import get_keras_logits, get_keras_mask, set_keras_logits, \
    set_keras_mask


def test_get_keras_mask_reads_what_a_masking_layer_set():
    x = torch.tensor([[[1.0], [0.0]]])  # (batch, steps, features)
    out = keras.layers.Masking(mask_value=0.0)(x)
    assert get_keras_mask(out).tolist() == [[True, False]]
    assert get_keras_mask(x) is None
    assert get_keras_mask([1, 2]) is None


def test_get_keras_logits_reads_what_softmax_set():
    z = torch.tensor([[1.0, 2.0]])
    p = keras.activations.softmax(z)
    assert torch.equal(get_keras_logits(p), z)
    assert get_keras_logits(z) is None


def test_set_keras_mask_and_logits_are_what_the_readers_see():
    x = torch.zeros(2, 3)
    set_keras_mask(x, torch.tensor([True, False]))
    set_keras_logits(x, torch.ones(2, 3))
    assert get_keras_mask(x).tolist() == [True, False]
    assert torch.equal(get_keras_logits(x), torch.ones(2, 3))
    set_keras_mask(x, None)  # attach_masks clears a mask this way
    assert get_keras_mask(x) is None
