"""Links between users and the entities they act for: requests, approvals, roles, partner grants."""
