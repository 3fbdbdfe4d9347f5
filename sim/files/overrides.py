"""Parameter overrides as files write them: a scenario's ``parameters``, a lens's ``weights``.

The parameters themselves, with their bounds and sources, are the model's
(:class:`sim.model.params.Parameters`); this module checks a file's overrides against them and
words a problem for the file's reader.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Strict, ValidationError

from sim.files.errors import FieldError
from sim.files.yamlfiles import describe_error, unknown_name
from sim.model.params import PARAMETER_NAMES, Parameters

ParameterOverrides = dict[str, Annotated[float, Strict()]]
"""A file's parameter overrides (a scenario's ``parameters``, a lens's ``weights``)."""


def check_overrides(values: dict[str, float]) -> dict[str, float]:
    """The overrides, if every name is a parameter and every value within its bounds.

    Integer parameters come back as integers.

    Raises:
        FieldError: located at the first offending name.
    """
    for name in values:
        if name not in PARAMETER_NAMES:
            raise FieldError((name,), unknown_name("parameter", name, PARAMETER_NAMES))
    try:
        checked = Parameters.model_validate(values)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise FieldError(tuple(err["loc"][:1]), describe_error(err)) from None
    return {name: getattr(checked, name) for name in values}
