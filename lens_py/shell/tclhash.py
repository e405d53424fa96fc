"""The order in which Tcl 8.6 walks a hash table (array names, array get).

Tcl keeps an array's elements in a hash table and lists them bucket by
bucket, newest first within a bucket; the table starts with 4 buckets and
grows fourfold (re-chaining every entry) whenever it holds 3 entries per
bucket.  Scripts that print `array names` without sorting see that order,
so we reproduce it from the keys in insertion order.  (Deleting elements
never shrinks Tcl's table; we rebuild from the keys present, which can
differ after deletions from a large array.)
"""
from __future__ import annotations


def tcl_string_hash(key: str) -> int:
    """TclHashObjKey: result += (result << 3) + byte, over the UTF-8 bytes."""
    data = key.encode("utf-8", "surrogateescape")
    result = 0
    for c in data:
        result = (result + (result << 3) + c) & 0xFFFFFFFF
    return result


def tcl_hash_order(keys) -> list:
    """The keys (given in insertion order) in Tcl's hash-table walk order."""
    keys = list(keys)
    if len(keys) < 2:
        return keys
    mask, rebuild_at = 3, 12
    buckets: list = [[] for _ in range(4)]   # each chain is kept oldest-first
    for count, key in enumerate(keys, 1):
        h = tcl_string_hash(key)
        buckets[h & mask].append((h, key))
        if count >= rebuild_at:
            old = buckets
            mask = (mask << 2) + 3
            rebuild_at *= 4
            buckets = [[] for _ in range(mask + 1)]
            # Rebuilding walks each old chain from its head (newest) and
            # pushes every entry onto the head of its new chain.
            for chain in old:
                for entry in reversed(chain):
                    buckets[entry[0] & mask].append(entry)
    return [key for chain in buckets for _, key in reversed(chain)]
