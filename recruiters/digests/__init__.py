"""The digest e-mail: what it says, when it is due, and sending it exactly once."""
