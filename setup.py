"""Build configuration that pyproject.toml cannot express: the optional C extension.

``reportlab_analysis._segment`` is jieba's segmentation compiled (the ``native`` tokenizer backend). It is
optional: where no C compiler is found the install still succeeds and ``backend="native"`` falls back to jieba
itself, which gives the same tokens more slowly.
"""
from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "reportlab_analysis._segment",
            sources=["reportlab_analysis/_segment.c"],
            extra_compile_args=["-O2", "-std=c11"],
            optional=True,
        )
    ]
)
