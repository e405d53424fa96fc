"""drand48 written out from its definition, for tests that
check draw order independently of the engine's generator."""


def drand48_stream(seed: int, n: int) -> list:
    x = (seed << 16) | 0x330E
    out = []
    for _ in range(n):
        x = (0x5DEECE66D * x + 0xB) % (1 << 48)
        out.append(x / float(1 << 48))
    return out
