"""A minimal stand-in for the example-set contract of DESIGN.md (ExampleSet,
Example, Event), for engine tests that must not depend on the example-file
reader.  Dense events only; ORDERED and PERMUTED selection as Lens does it."""
import math



class Event:
    def __init__(self, inputs=None, targets=None, proc=None, max_time=math.nan,
                 min_time=math.nan, grace_time=math.nan, default_input=0.0,
                 default_target=0.0, input_group=None, target_group=None):
        self.inputs = inputs
        self.targets = targets
        self.proc = proc
        self.max_time, self.min_time, self.grace_time = max_time, min_time, grace_time
        self.default_input, self.default_target = default_input, default_target
        self.input_group, self.target_group = input_group, target_group

    def _install(self, vec, units, group_units, values, default, group):
        vec[units] = default
        if values is None:
            return
        where = units if group is None else group_units(group)
        if where is None:
            return
        vec[where[:len(values)]] = values

    def install_inputs(self, ext, input_units, group_units):
        self._install(ext, input_units, group_units, self.inputs, self.default_input,
                      self.input_group)

    def install_targets(self, target, output_units, group_units):
        self._install(target, output_units, group_units, self.targets, self.default_target,
                      self.target_group)


class Example:
    def __init__(self, events, name="", frequency=1.0, proc=None):
        self.events = events
        self.name = name
        self.frequency = frequency
        self.proc = proc
        self.num = 0


class ExampleSet:
    ORDERED, PERMUTED = 1, 2

    def __init__(self, name, examples, mode=1):
        self.name = name
        self.examples = examples
        for k, e in enumerate(examples):
            e.num = k
        self.mode = mode
        self.version = 0
        self.current = -1
        self.perm = list(range(len(examples)))
        self.max_time, self.min_time, self.grace_time = 1.0, 0.0, 0.0
        self.current_example = None

    def reset(self):
        self.current = -1

    def _next(self, rng):
        n = len(self.examples)
        if self.mode == self.PERMUTED:
            i = self.current + 1
            if i >= n:
                i = 0
            j = i + rng.rand_int(n - i)
            self.perm[i], self.perm[j] = self.perm[j], self.perm[i]
            self.current = i
            return self.perm[i]
        self.current = (self.current + 1) % n
        return self.current

    def next_example(self, rng):
        ex = self.examples[self._next(rng)]
        self.current_example = ex
        return ex

    def next_indices(self, count, rng):
        idx = [self._next(rng) for _ in range(count)]
        if idx:
            self.current_example = self.examples[idx[-1]]
        return idx


def xor_set(name="xor"):
    data = [((0, 0), 0), ((0, 1), 1), ((1, 0), 1), ((1, 1), 0)]
    return ExampleSet(name, [Example([Event(list(i), [t])]) for i, t in data])
