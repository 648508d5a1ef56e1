"""The camera-ready version of an accepted paper: its final PDF, the title,
abstract and authors as printed, the licence, and the reminders to authors who
still owe any of them (views, forms, selectors, services)."""
