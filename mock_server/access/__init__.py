"""Who may use a shared mock, and what it trusts: credentials, Host names, browser origins."""
