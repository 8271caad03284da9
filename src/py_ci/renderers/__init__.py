"""Renderers: the model in, text out. They never read files and never touch the runner."""
