"""Installs the `myia` language and the `myia_debug` debugger."""

from setuptools import find_packages, setup

setup(
    name="myia",
    version="0.1.0",
    description="A differentiable subset of Python compiled through a graph IR",
    packages=find_packages(include=["myia", "myia.*", "myia_debug", "myia_debug.*"]),
    python_requires=">=3.11",
    install_requires=[
        "numpy>=1.26", "numba>=0.60", "numba-cuda>=0.20", "prompt_toolkit>=3.0.40",
        "pygments>=2.15",
    ],
    entry_points={"console_scripts": ["myia-debug=myia_debug.__main__:main"]},
)
