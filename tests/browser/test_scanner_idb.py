"""Issue 18 part 3: an online scan touches IndexedDB at most three times (one read of the bundle,
the device's id and the outbox; the scan stored with the device's verdict; the server's answer
settled), counted on the page's real IndexedDB. Before: about ten transactions per scan.

A transaction counts for the scan when the scan's handling (handleCode) is on its call stack, async
frames included (V8 keeps them): the page's own timers and the worker's messages may read the store
at the same moment on a busy machine, and they are not the scan's cost."""
from playwright.sync_api import expect

from .helpers import AGENT, SEASONAL, STAFF, my_pass, open_scanner, paste, sign_in

COUNT_TRANSACTIONS = """() => {
    window.idbTransactions = [];
    const transaction = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (stores, mode) {
        if (new Error().stack.includes("handleCode")) {
            window.idbTransactions.push(`${[].concat(stores).join("+")} ${mode || "readonly"}`);
        }
        return transaction.apply(this, arguments);
    };
}"""


def transactions_of_one_scan(phone, code):
    phone.evaluate("window.idbTransactions.length = 0")
    box = paste(phone, code)
    expect(phone.locator("[data-waiting]")).to_have_attribute("data-count", "0")
    made = phone.evaluate("[...window.idbTransactions]")
    phone.locator("[data-verdict-close]").click()
    return box, made


def test_an_online_scan_takes_three_indexeddb_transactions(phone, live_server, staff_site):
    phone.add_init_script(f"({COUNT_TRANSACTIONS})();")
    sign_in(phone, live_server.url, STAFF)
    open_scanner(phone, live_server)
    expect(phone.locator("[data-waiting]")).to_have_attribute("data-count", "0")

    box, made = transactions_of_one_scan(phone, my_pass(live_server, AGENT)["qr"])
    print(f"\nIndexedDB transactions of an online admission: {len(made)}: {made}")
    expect(box).to_have_attribute("data-verdict", "admitted")
    assert made == ["records+outbox readonly", "records+outbox readwrite", "records+outbox readwrite"]

    box, made = transactions_of_one_scan(phone, my_pass(live_server, AGENT)["qr"])
    expect(box).to_have_attribute("data-reason", "already_visited")  # the server's verdict, settled
    assert len(made) == 3, made

    typed = my_pass(live_server, SEASONAL)["pass_number"]
    box, made = transactions_of_one_scan(phone, typed)
    expect(box).to_have_attribute("data-verdict", "admitted")
    assert len(made) == 3, made
