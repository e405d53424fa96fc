"""The NumPy engine: networks, example sets, training and testing (no shell)."""
from .network import Network, NetworkError
from .group import Group
from .projection import Projection, WeightArray
from .session import Session

__all__ = ["Network", "NetworkError", "Group", "Projection", "WeightArray", "Session"]
