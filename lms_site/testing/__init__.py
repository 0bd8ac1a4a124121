"""Test support, in one place. Tests, benchmarks and `make cluster` import from its modules:

- `servers`: real Redis, daphne and task worker processes, free ports, the database URL, the fast password
  hasher, a real session cookie, `eventually`;
- `sockets`: the one client of the activity socket;
- `admin`: the one logged-in admin session over real HTTP;
- `events`: which events exist after a cursor (newest id, events after, ids on a topic, visible ids);
- `api`: the token API client and the shape of an API error;
- `content`: builders for modules, lessons, quizzes and assignments;
- `browser`: logging a Playwright page in through the real forms;
- `privacy`: a person with data in every table, and searching every table for a text.

This package imports nothing itself, so that `servers` stays usable before Django is set up.
The people and courses every test shares are fixtures in the root conftest.py.
"""
