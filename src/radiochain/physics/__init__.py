"""Physics core: nuclear data, decay and ingrowth. Imports nothing of the other layers."""
