"""Platform adapters: translate chat events into neutral commands and neutral replies into messages."""
