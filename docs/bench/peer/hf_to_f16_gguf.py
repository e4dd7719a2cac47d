"""Like ../shared/peer/hf_to_gguf.py, but keeps the 2-D weight matrices as F16 (GGML type 1), so llama.cpp
runs a half-precision checkpoint with the bytes it ships in, as dyspec's Java kernel does. Norm weights
stay F32 (llama.cpp requires it). A measurement helper only: it patches the peer's minimal GGUF writer.

usage: python3 hf_to_f16_gguf.py PEER_DIR HF_DIR OUT.gguf
"""
import struct, sys
import numpy as np

peer, src, dst = sys.argv[1:4]
sys.path.insert(0, peer)
import gguf_min  # noqa: E402  (the writer hf_to_gguf.py falls back to)

sys.modules["gguf"] = None  # make hf_to_gguf take gguf_min, whose tensors this file controls


def add_tensor(self, name, arr):
    matrix = arr.ndim == 2 and not name.endswith("norm.weight")
    self.tensors.append((name, np.ascontiguousarray(arr, dtype=np.float16 if matrix else np.float32)))


def write_tensors_to_file(self):
    align = gguf_min.ALIGN
    out = bytearray(b"GGUF" + struct.pack("<IQQ", 3, len(self.tensors), len(self.kv)))
    for key, vtype, value, elem in self.kv:
        out += gguf_min._str(key) + struct.pack("<I", vtype)
        if vtype == gguf_min.ARRAY:
            out += struct.pack("<IQ", elem, len(value))
            for x in value:
                out += self._value(elem, x)
        else:
            out += self._value(vtype, value)
    offset = 0
    for name, arr in self.tensors:
        dims = list(reversed(arr.shape))
        out += gguf_min._str(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        out += struct.pack("<IQ", 1 if arr.dtype == np.float16 else 0, offset)
        offset += (arr.nbytes + align - 1) // align * align
    out += b"\0" * ((align - len(out) % align) % align)
    with open(self.path, "wb") as f:
        f.write(out)
        for _, arr in self.tensors:
            b = arr.tobytes()
            f.write(b + b"\0" * ((align - len(b) % align) % align))


gguf_min.GGUFWriter.add_tensor = add_tensor
gguf_min.GGUFWriter.write_tensors_to_file = write_tensors_to_file
sys.argv = ["hf_to_gguf.py", src, dst]
with open(f"{peer}/hf_to_gguf.py") as f:
    code = compile(f.read(), f"{peer}/hf_to_gguf.py", "exec")
exec(code, {"__name__": "__main__", "__file__": f"{peer}/hf_to_gguf.py"})
