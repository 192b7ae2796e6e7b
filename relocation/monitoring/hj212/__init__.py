"""HJ 212 (HJ/T 212-2005, HJ 212-2017) framing, CRC, parsing and replies.

Pure Python, no Django: the server, the command-line decoder, the simulator
and the tests all use this package.
"""

from relocation.monitoring.hj212.frame import Frame, FrameError, decode, encode
from relocation.monitoring.hj212.reassembly import Reassembler

__all__ = ["Frame", "FrameError", "Reassembler", "decode", "encode"]
