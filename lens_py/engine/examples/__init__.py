"""Example sets, one module per job:

* `model.py`    ExampleSet / Example / Event / Range, the errors;
* `modes.py`    example modes and choosing the next example (PIPE, CUSTOM too);
* `reader.py`   the text `.ex` reader;  `binary.py` the `.bex` reader and writer;
* `writer.py`   saveExamples (text, or .bex through binary.py);
* `loading.py`  loadExamples and the set names;  `moving.py` moveExamples;
* `fields.py`   their getObj/setObj fields (registered on import).

What the rest of lens_py uses is importable from here.
"""
from .model import (BINARY_COOKIE, Event, Example, ExampleError, ExampleFileError, ExampleSet,
                    Range, f32, note_edit)
from .modes import EXAMPLE_MODE_NAMES, lookup_mode, set_example_mode
from .reader import TextParser
from .binary import BinaryParser
from .writer import example_set_text, save_examples
from .loading import default_set_name, load_examples
from .moving import copy_example, move_examples
from . import fields         # registers the getObj/setObj fields on import

__all__ = ["BINARY_COOKIE", "Event", "Example", "ExampleError", "ExampleFileError", "ExampleSet",
           "Range", "f32", "note_edit", "EXAMPLE_MODE_NAMES", "lookup_mode", "set_example_mode",
           "TextParser", "BinaryParser", "example_set_text", "save_examples", "default_set_name",
           "load_examples", "copy_example", "move_examples", "fields"]
