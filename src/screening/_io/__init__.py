"""The lowest layer: files and formats at the edges. Strict YAML with positions, transaction
documents, durable log files and ISO country codes. Private: imported by the layers above only."""
