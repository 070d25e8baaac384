"""Report writers of a CTK run: summary.json, JUnit XML, the terminal table and Allure."""
