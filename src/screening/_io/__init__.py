"""The lowest layer: files and formats at the edges. Strict YAML with positions, transaction
documents, canonical JSON (`canonical`), JSON Lines (`jsonlines`), durable files with the one
lock (`durable`), decision logs and ISO country codes. Private: imported by the layers above
only."""
