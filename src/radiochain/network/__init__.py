"""The supply network: component tables, schemas, validation and I/O."""

from radiochain.network.core import Network, NetworkError
from radiochain.network.io import read_json, read_network, write_json, write_network
from radiochain.network.problems import Problem, Report

__all__ = [
    "Network",
    "NetworkError",
    "Problem",
    "Report",
    "read_json",
    "read_network",
    "write_json",
    "write_network",
]
