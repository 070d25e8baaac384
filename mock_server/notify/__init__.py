"""Events and their delivery: what each change publishes, the /hub registry, the queued notifier."""
