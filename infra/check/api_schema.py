"""Checks JSON resource files against the API messages the installed gcloud was generated from.

Why: gcloud reads a --config-from-file / --policy-from-file file only once it holds an account,
so the offline check of printed commands cannot see a misspelt field or a wrong enum. The SDK
bundles each API's message classes (generated from Google's discovery documents): converting a
file to its message through apitools, as gcloud does, and then looking for fields the message
does not know catches both.

Usage: python api_schema.py SDK_ROOT KIND=FILE...
  KIND is one of log-metric, alert-policy, dashboard.
Prints one JSON object per file: {"file": str, "errors": [str]}.
"""
import json
import os
import sys


def load_messages(sdk_root):
    sys.path.insert(0, os.path.join(sdk_root, 'lib'))
    import gcloud  # the SDK's launcher module; it prepares sys.path exactly as `gcloud` does
    gcloud._fix_google_module()  # pylint: disable=protected-access
    from apitools.base.protorpclite import messages
    from apitools.base.py import encoding
    from googlecloudsdk.generated_clients.apis.logging.v2 import logging_v2_messages
    from googlecloudsdk.generated_clients.apis.monitoring.v1 import monitoring_v1_messages
    from googlecloudsdk.generated_clients.apis.monitoring.v3 import monitoring_v3_messages
    kinds = {
        'log-metric': logging_v2_messages.LogMetric,
        'alert-policy': monitoring_v3_messages.AlertPolicy,
        'dashboard': monitoring_v1_messages.Dashboard,
    }
    return kinds, encoding, messages


def unknown_fields(message, messages, path):
    """Fields of the file the message does not define, anywhere in it (apitools keeps them aside)."""
    found = ['%s%s' % (path, name) for name in message.all_unrecognized_fields()]
    for field in message.all_fields():
        value = message.get_assigned_value(field.name)
        if value is None or not isinstance(field, messages.MessageField):
            continue
        items = value if field.repeated else [value]
        for index, item in enumerate(items):
            if isinstance(item, messages.Message):
                where = '%s%s%s.' % (path, field.name, '[%d]' % index if field.repeated else '')
                found.extend(unknown_fields(item, messages, where))
    return found


def check(kinds, encoding, messages, kind, path):
    try:
        with open(path) as handle:
            text = handle.read()
        json.loads(text)
        message = encoding.JsonToMessage(kinds[kind], text)
    except Exception as error:  # pylint: disable=broad-except
        return ['%s: %s' % (type(error).__name__, error)]
    # Additional-properties maps (labels) hold arbitrary keys by design; everything else must be known.
    return ['unknown field %s' % name for name in unknown_fields(message, messages, '')
            if not name.endswith('additionalProperties')]


def main():
    sdk_root = sys.argv[1]
    kinds, encoding, messages = load_messages(sdk_root)
    for argument in sys.argv[2:]:
        kind, path = argument.split('=', 1)
        sys.stdout.write(json.dumps({'file': path, 'errors': check(kinds, encoding, messages, kind, path)}) + '\n')


if __name__ == '__main__':
    main()
