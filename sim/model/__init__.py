"""The model: the world's state, its parameters and the rules that move it (the bottom layer).

Nothing here imports from the rest of ``sim``: the file formats, the engines and the
capabilities build on these modules, never the reverse (``tests/test_layers.py``).
"""
