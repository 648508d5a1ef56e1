"""The one exception for "no, and here is why" (no Django here, so pure modules can use it too).

Services raise it (or a subclass carrying more detail) with a message written
for the person who asked; views show that message as it is."""


class Refused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
