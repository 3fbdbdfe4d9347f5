"""Validation of the model itself.

The backcast (fitted on 2022-2023, checked on 2024-2025), the scenarios' defining effects, and
ablations that switch each mechanism off in turn.
"""
