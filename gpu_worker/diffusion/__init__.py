"""Shared machinery of the diffusers backends (inpaint, instruct, img2img).

Importing this package costs nothing: torch and diffusers are imported by the
modules that need them, which only a worker started with a diffusion backend loads.
"""
