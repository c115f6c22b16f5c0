"""The course's adapter configs per hardware profile (labkit.hybrid.course)."""

from dataclasses import fields

import pytest

from labkit.env import Profile
from labkit.hybrid import course

CPU = Profile("cpu-offline", "cpu", hub=False, threads=2, bf16=True, seed=0)
GPU = Profile("gpu", "cuda", hub=False, threads=2, bf16=True, seed=0)


@pytest.mark.parametrize(
    "config, base, kind",
    [
        (course.behaviour_config, course.BEHAVIOUR_CFG, "behaviour"),
        (course.facts_config, course.FACTS_CFG, "facts"),
    ],
)
def test_gpu_profile_trains_longer_with_the_same_code(config, base, kind):
    assert config(CPU) == base  # the committed notebook outputs come from these
    gpu = config(GPU)
    assert gpu.max_steps > base.max_steps
    changed = {f.name for f in fields(gpu) if getattr(gpu, f.name) != getattr(base, f.name)}
    assert changed == set(course.GPU_OVERRIDES[kind])  # nothing else moves
    assert base == config(CPU)  # the CPU constant was not modified in place
