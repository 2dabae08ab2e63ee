"""Code for a child interpreter to run first so that it behaves as if torch were not installed (the serving install)."""

HIDE_TORCH = '''
import sys
from importlib.abc import MetaPathFinder

class _NoTorch(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"torch", "sentence_transformers", "transformers"}:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _NoTorch())
'''
