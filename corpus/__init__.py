"""Plan files -> typed records (Plan, Section, Passage, Task, Target, Duty)."""
