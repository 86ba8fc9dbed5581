"""A client nobody here wrote: the official MCP Python SDK drives
`backorders mcp --apply` over stdio.

    python3 mcp_client.py BACKORDERS_BINARY DATABASE

Initializes, lists the tools, creates a backorder, reads it back, and checks
that a bad argument is a tool error naming the field. Prints one line per
step; exits non-zero on the first thing that is not as expected. Run by
`host/tests/mcp.rs`; needs `pip install mcp`.
"""

import asyncio
import json
import sys

try:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client
except ImportError as error:  # pragma: no cover - reported by the Rust test too
    sys.exit(f"the official MCP Python SDK is missing ({error}): pip install mcp")

EXPECTED_TOOLS = {
    "list_backorders", "create_backorder", "update_backorder", "allocate_backorder",
    "fulfill_backorder", "cancel_backorder", "get_backorder_summary",
    "get_sku_backorder_summary", "get_backorder", "confirm_allocation",
    "release_allocation", "extend_allocation", "allocate_available", "expire_allocations",
}


def attribute(value, *names):
    """The first of `names` that `value` has: the SDK spells fields in
    snake_case since 2.0 (`is_error`) and in camelCase before (`isError`)."""
    for name in names:
        if hasattr(value, name):
            return getattr(value, name)
    raise AttributeError(f"{type(value).__name__} has none of {names}")


def parts(result):
    """The JSON block and the summary line of a tool result."""
    texts = [block.text for block in result.content]
    if len(texts) != 2:
        raise AssertionError(f"a JSON block and a summary line, got {texts!r}")
    return json.loads(texts[0]), texts[1]


def check(condition, message):
    if not condition:
        raise AssertionError(message)


async def main(binary, database):
    server = StdioServerParameters(
        command=binary,
        args=["--db", database, "--now", "2026-11-02T09:00:00Z", "mcp", "--apply"],
    )
    async with stdio_client(server) as (read, write):
        async with ClientSession(read, write) as session:
            initialized = await session.initialize()
            info = attribute(initialized, "server_info", "serverInfo")
            check(info.name == "backorders", f"server name {info.name!r}")
            print(f"initialized {info.name} {info.version}")

            tools = (await session.list_tools()).tools
            names = {tool.name for tool in tools}
            check(EXPECTED_TOOLS <= names, f"missing tools: {sorted(EXPECTED_TOOLS - names)}")
            create = next(tool for tool in tools if tool.name == "create_backorder")
            schema = attribute(create, "input_schema", "inputSchema")
            check("customer_id" in schema["properties"], f"create_backorder schema {schema}")
            annotations = create.annotations
            check(attribute(annotations, "read_only_hint", "readOnlyHint") is False, "create is a write")
            print(f"listed {len(names)} tools")

            result = await session.call_tool("create_backorder", {
                "order_id": "O-1", "customer_id": "C-1", "sku": "WIDGET-001",
                "quantity": 100, "priority": "high", "promised_date": "2026-12-01",
            })
            created, summary = parts(result)
            check(not attribute(result, "is_error", "isError"), f"create failed: {summary}")
            check(created["applied"] is True, f"--apply commits: {created}")
            check(created["status"] == "pending", f"status {created['status']}")
            backorder_id = created["backorder_id"]
            print(f"created {backorder_id}: {summary}")

            result = await session.call_tool("get_backorder", {"backorder_id": backorder_id})
            detail, summary = parts(result)
            check(not attribute(result, "is_error", "isError"), f"get failed: {summary}")
            check(detail["backorder_id"] == backorder_id, f"read back {detail}")
            check(detail["quantity_ordered"] == 100 and detail["priority"] == "high", f"{detail}")
            check(detail["promised_date"] == "2026-12-01", f"{detail['promised_date']}")
            check([entry["action"] for entry in detail["history"]] == ["created"], f"{detail['history']}")
            print(f"read back {backorder_id}: {summary}")

            result = await session.call_tool("create_backorder", {
                "order_id": "O-2", "customer_id": "C-1", "sku": "WIDGET-001",
                "quantity": 1, "priority": "urgent",
            })
            error, line = parts(result)
            check(attribute(result, "is_error", "isError"), f"a bad priority is a tool error: {line}")
            check(error["error"]["field"] == "priority", f"{error}")
            print(f"refused: {line}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    asyncio.run(main(sys.argv[1], sys.argv[2]))
