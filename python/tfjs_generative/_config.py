"""Config checks shared by the twins: the same field names as the TypeScript builders."""


def check_keys(name, config, keys):
    """Refuses a config that is not a dict or names a field this twin does not know."""
    if not isinstance(config, dict):
        raise ValueError(f'{name}: invalid config: expected a dict with the builder\'s field names, received {config!r}')
    unknown = sorted(set(config) - set(keys))
    if unknown:
        raise ValueError(f'{name}: unsupported config field(s) {unknown}: the twin supports {list(keys)}')


def refuse(name, config, field, allowed):
    """Refuses a field value the PyTorch layout cannot hold."""
    if field in config and config[field] not in allowed:
        raise ValueError(f'{name}: `{field}` {config[field]!r} is not supported by the twin (expected one of {list(allowed)})')
