"""Neural-network operations for Myia code: `myia.nn.conv2d`, `myia.nn.max_pool2d`.

They have no numpy spelling, so user code names them through this module
(`from myia.nn import conv2d` or `myia.nn.conv2d(...)`); each name is the
primitive itself (see `myia/prims/nn.py`), which Python can also call directly.
"""

from .prims.nn import conv2d, max_pool2d

__all__ = ["conv2d", "max_pool2d"]
