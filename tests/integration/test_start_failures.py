# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every failed start reaches the client with its own reason.

For each kind of start clients make (a PV guest on a bridge, an HVM
guest with a VNC display on libvirt's NAT network, a paused start, a
start from a managed save image, a transient createXML), every backend
hook the start calls is failed at each of its calls in turn (the fault
injection of backend_fault.c). The client must get an error naming that
fault: never libvirt's "An error occurred, but the cause is unknown"
(a failure without an error), never the driver's own "failed without a
reason" fallback, never the message of a cleanup step. The domain is
then as it was (shut off, same reason, its managed save image kept, its
network port released) and starts on the next try. Failures outside the
backend (an inactive or missing network) carry their own message too,
and virsh prints what python3-libvirt gets."""

import unittest

import libvirt

from vxltest import (DEFAULT_NET, Daemon, backend_calls, disarm_fault,
                     guest_xml, remove_guests, start_event_loop)

E = libvirt

SPARE_NET = """<network><name>spare</name><bridge name='virbr7'/>
  <ip address='192.168.157.1' netmask='255.255.255.0'/></network>"""

VNC = ("<graphics type='vnc' autoport='yes' listen='127.0.0.1'/>"
       "<video><model type='cirrus'/></video>")

BAD_WORDS = ("cause is unknown", "without a reason", "no error")


def pv_bridge(name):
    return guest_xml(name)


def hvm_nat(name):
    xml = guest_xml(name, ostype="hvm", nics=0)
    return xml.replace("<devices>", "<devices><interface type='network'>"
                       "<source network='default'/></interface>" + VNC, 1)


class StartFailureTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        start_event_loop()
        cls.daemon = Daemon(network=True, private_net=True)
        cls.daemon.start()
        conn = libvirt.open(cls.daemon.uri)
        try:
            conn.networkDefineXML(DEFAULT_NET).create()
            conn.networkDefineXML(SPARE_NET)          # defined, not started
        finally:
            conn.close()

    @classmethod
    def tearDownClass(cls):
        cls.daemon.cleanup()

    def setUp(self):
        self.c = libvirt.open(self.daemon.uri)
        self.addCleanup(self.c.close)
        self.seq = 0

    def tearDown(self):
        remove_guests(self.c, E.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)

    def name(self, kind):
        self.seq += 1
        return "sf-%s-%d" % (kind, self.seq)

    # Each kind of start: (prepare(name) -> domain or None, start(domain, name)).
    def starts(self):
        c = self.c

        def defined(make):
            def prep(name):
                d = c.defineXML(make(name))
                d.create()           # a previous life: shut-off reason destroyed
                d.destroy()
                return d
            return prep

        def saved(name):
            d = c.defineXML(pv_bridge(name))
            d.create()
            d.managedSave(0)
            return d

        return {
            "pv-bridge": (defined(pv_bridge), lambda d, n: d.create()),
            "hvm-nat-vnc": (defined(hvm_nat), lambda d, n: d.create()),
            "paused": (defined(pv_bridge),
                       lambda d, n: d.createWithFlags(E.VIR_DOMAIN_START_PAUSED)),
            "managed-save": (saved, lambda d, n: d.create()),
            "create-xml": (lambda n: None,
                           lambda d, n: c.createXML(hvm_nat(n), 0)),
        }

    def hooks_of(self, prep, start, kind):
        """The backend hooks a start of @kind calls, with how often."""
        name = self.name(kind)
        dom = prep(name)
        calls = backend_calls(self.daemon, lambda: start(dom, name))
        self.tearDown()
        return calls

    def before(self, dom):
        if dom is None:
            return None
        return (dom.state(), dom.hasManagedSaveImage(0))

    def ports(self):
        return len(self.c.networkLookupByName("default").listAllPorts())

    def test_every_hook_of_every_start(self):
        failed = tolerated = 0
        for kind, (prep, start) in self.starts().items():
            calls = self.hooks_of(prep, start, kind)
            self.assertIn("domainCreate" if kind != "managed-save" else "domainRestore",
                          calls, "%s: hooks %s" % (kind, calls))
            for hook, count in sorted(calls.items()):
                for nth in range(1, count + 1):
                    with self.subTest(start=kind, hook=hook, nth=nth):
                        name = self.name(kind)
                        dom = prep(name)
                        was = self.before(dom)
                        ports = self.ports()
                        self.daemon.inject_fault(hook, nth)
                        try:
                            start(dom, name)
                        except libvirt.libvirtError as e:
                            failed += 1
                            msg = e.get_error_message() or ""
                            print("\n  %s, %s #%d: code %d: %s" %
                                  (kind, hook, nth, e.get_error_code(), msg))
                            self.assertIn("injected fault in backend hook %s" % hook,
                                          msg)
                            for bad in BAD_WORDS:
                                self.assertNotIn(bad, msg)
                            # nothing lost, nothing left
                            if dom is not None:
                                self.assertEqual(self.before(dom), was)
                                self.assertEqual(dom.ID(), -1)
                            else:
                                self.assertRaises(libvirt.libvirtError,
                                                  self.c.lookupByName, name)
                            self.assertEqual(self.ports(), ports)
                        else:
                            # a hook whose failure the start rides out (a
                            # figure it reads): the guest runs
                            tolerated += 1
                            print("\n  %s, %s #%d: start succeeded" % (kind, hook, nth))
                            self.c.lookupByName(name).destroy()
                            dom = None
                        # disarm what did not fire
                        disarm_fault(self.daemon)
                        if dom is not None:
                            start(dom, name)
                            self.assertTrue(dom.isActive())
                        self.tearDown()
        print("\n  %d failed starts, each with its reason; %d ridden out"
              % (failed, tolerated))
        self.assertGreaterEqual(failed, 10)

    def test_virsh_prints_the_reason(self):
        name = self.name("virsh")
        self.c.defineXML(pv_bridge(name))
        self.daemon.inject_fault("domainCreate", 1)
        res = self.daemon.virsh("start", name, check=False)
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("injected fault in backend hook domainCreate", res.stderr)
        for bad in BAD_WORDS:
            self.assertNotIn(bad, res.stderr)

    def network_refusal(self, source, words, before=()):
        """@before: networks of interfaces that come first (and get
        their ports before @source's fails)."""
        name = self.name("net")
        xml = guest_xml(name, nics=0).replace(
            "<devices>", "<devices>" + "".join(
                "<interface type='network'><source network='%s'/></interface>"
                % net for net in tuple(before) + (source,)), 1)
        dom = self.c.defineXML(xml)
        ports = self.ports()
        with self.assertRaises(libvirt.libvirtError) as cm:
            dom.create()
        msg = cm.exception.get_error_message() or ""
        print("\n  network %s: code %d: %s" % (source, cm.exception.get_error_code(), msg))
        for w in words:
            self.assertIn(w, msg)
        for bad in BAD_WORDS:
            self.assertNotIn(bad, msg)
        self.assertFalse(dom.isActive())
        self.assertEqual(self.ports(), ports)

    def test_inactive_network(self):
        self.network_refusal("spare", ("spare",))

    def test_missing_network(self):
        self.network_refusal("nowhere", ("nowhere",))

    def test_missing_network_after_a_port(self):
        """The first interface got its port, the second's network is
        missing: giving the port back opens the network driver's
        connection, which clears the error; the client still hears of
        the missing network."""
        self.network_refusal("nowhere", ("nowhere",), before=("default",))


if __name__ == "__main__":
    unittest.main(verbosity=2)
