"""Putting a domain error's message beside the field it is about."""
from flask import flash


def apply_domain_error(form, error) -> None:
    """Attach each of the error's field messages to the form's field, or flash it when none fits.

    The form then counts as refused: `form_status(form)` answers 400."""
    form.domain_error = error
    placed = False
    for name, message in (error.fields or {}).items():
        field = getattr(form, name, None)
        if hasattr(field, "entries"):  # a list of sub-forms (periods): one message for the list
            setattr(form, f"{name}_error", str(message))
            placed = True
        elif field is not None:
            field.errors = list(field.errors) + [str(message)]
            placed = True
    if not placed:
        flash(str(error.message), "error")


def form_status(form) -> int:
    """400 when the form was refused (field errors or a domain error), else 200."""
    return 400 if form.errors or getattr(form, "domain_error", None) else 200
