# SPDX-License-Identifier: LGPL-2.1-or-later
"""Finding an application's widgets on the accessibility bus, for the GUI
tests: the application itself matches role and state (the Collection
interface, one call), instead of the test walking the widget tree node by
node (a virt-manager details window holds every page, hundreds of nodes,
each a round trip: seconds on a loaded machine, during which the page
changes under the walk).

What is read is read afresh: uncached() turns the client library's cache
off for the application. The cache follows the application's change
events, and GTK does not send one for every change (a list cell's text, a
button made sensitive as its window maps), so a cached read can keep
showing what was true before."""

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

_ALL = Atspi.CollectionMatchType.ALL
_ANY = Atspi.CollectionMatchType.ANY


def uncached(app):
    """Every later read of @app's widgets' names, states and children asks
    the application (what an object is, its role and interfaces, stays
    known once read). A read waits for a busy application for seconds
    rather than the library's 800 ms: on a loaded machine virt-manager
    answers late, and a read that failed says nothing of the widget."""
    Atspi.set_timeout(15000, 30000)
    app.set_cache_mask(Atspi.Cache.ROLE | Atspi.Cache.INTERFACES)
    app.clear_cache()


def _role(name):
    return getattr(Atspi.Role, name.upper().replace(" ", "_"))


def matches(parent, role=None, showing=True):
    """The widgets under @parent with @role (any role when None) that show
    on the screen (or all, when @showing is false), in the tree's order."""
    states = Atspi.StateSet.new([Atspi.StateType.SHOWING] if showing else [])
    roles = [_role(role)] if role else []
    rule = Atspi.MatchRule.new(states, _ALL, {}, _ALL,
                               roles, _ANY if roles else _ALL,
                               [], _ALL, False)
    return Atspi.Collection.get_matches(parent, rule,
                                        Atspi.CollectionSortOrder.CANONICAL,
                                        0, True)


def vanished(exc):
    """Whether @exc says a widget went away while it was read (a dialog
    closing, a list row replaced) or the busy application did not answer
    in time: the read is simply made again."""
    text = str(exc)
    return "no longer exists" in text or "timeout" in text.lower() \
        or "Unknown object" in text or "not exist" in text \
        or "NoReply" in text or "Did not receive a reply" in text
