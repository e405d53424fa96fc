#!/usr/bin/env python3
"""Writes Lens text examples to standard output, one per line, for testing
`loadExamples "|python3 gen_examples.py …" -mode PIPE`.

Example k (k = 0, 1, …) is `name:{gK} I: <bits of k> T: <parity>;`, with
--inputs bits (most significant first) and one target, the parity of those
bits (so with 2 inputs the stream cycles through XOR).

  -n COUNT        examples to write (default 0 = never stop)
  --exit-after K  stop after K examples, as a generator that dies early
  --malformed K   write example K without its semicolon and with garbage
  --inputs N      input bits per example (default 2)
  --header TEXT   the set header (default ";")
  --binary        write the .bex binary form instead (same examples)
"""
from __future__ import annotations

import argparse
import os
import struct
import sys


def example_values(k: int, inputs: int):
    bits = [(k >> (inputs - 1 - b)) & 1 for b in range(inputs)]
    return bits, sum(bits) % 2


def text_example(k: int, inputs: int) -> str:
    bits, parity = example_values(k, inputs)
    return "name:{g%d} I: %s T: %d;\n" % (k, " ".join(map(str, bits)), parity)


def binary_header() -> bytes:
    # cookie, sizeof(real), empty proc, the 7 default header reals, numExamples 0
    out = struct.pack(">Ii", 0xAAAAAAAA, 4) + b"\0"
    out += struct.pack(">7f", 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0)
    return out + struct.pack(">i", 0)


def binary_example(k: int, inputs: int) -> bytes:
    bits, parity = example_values(k, inputs)
    out = b"g%d\0" % k + b"\0" + struct.pack(">fi", 1.0, 1) + struct.pack(">i", 0)
    # one input range (dense, from unit 0) for event 0, not shared with targets
    out += struct.pack(">iii", 1, 1, 0) + struct.pack(">i", 1) + b"\0"
    out += struct.pack(">i", inputs) + b"\0" + struct.pack(">i", 0)
    out += struct.pack(">%df" % inputs, *bits) + b"\0"
    # one target range
    out += struct.pack(">iii", 1, 1, 0) + struct.pack(">i", 1) + b"\0"
    out += struct.pack(">i", 1) + b"\0" + struct.pack(">i", 0) + struct.pack(">f", parity)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--count", type=int, default=0)
    ap.add_argument("--exit-after", type=int, default=None)
    ap.add_argument("--malformed", type=int, default=None)
    ap.add_argument("--inputs", type=int, default=2)
    ap.add_argument("--header", default=";")
    ap.add_argument("--binary", action="store_true")
    args = ap.parse_args(argv)
    out = sys.stdout.buffer
    try:
        out.write(binary_header() if args.binary else (args.header + "\n").encode())
        out.flush()
        k = 0
        while args.count <= 0 or k < args.count:
            if args.exit_after is not None and k >= args.exit_after:
                return 0
            if args.malformed is not None and k == args.malformed:
                if args.binary:
                    out.write(b"g%d\0\0" % k + struct.pack(">fi", 1.0, -3))
                else:
                    out.write(b"name:{g%d} I: 1 0 T: 1 @@ garbage\n" % k)
                out.flush()
                return 0
            data = binary_example(k, args.inputs) if args.binary else \
                text_example(k, args.inputs).encode()
            out.write(data)
            out.flush()
            k += 1
    except BrokenPipeError:
        # The reader closed the pipe: stop quietly (no complaint at exit).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main())
