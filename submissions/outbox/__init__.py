"""Who may see which outgoing mail: the chairs' outbox and the progress of a
mail batch. It lives with the papers because who may see a mail depends on the
paper it is about."""
