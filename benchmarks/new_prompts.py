"""The `nodegen new` benchmark's prompts: twelve domain nodes across the four kinds (three effects doing file,
SQLite and HTTP I/O), stated the way a user's short spec would. Each has an acceptance test in
``benchmarks/acceptance/`` written from the prompt alone, before nodegen was run on it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NewPrompt:
    """A prompt, the package it must give and its acceptance test."""

    key: str
    kind: str
    package: str
    prompt: str

    @property
    def test_file(self) -> str:
        return f"test_{self.key}.py"


NEW_PROMPTS = [
    NewPrompt("shipping_cost", "compute", "shipping_cost_compute",
              "Generate a compute node named ShippingCost. The request has weight_kg (float), zone (str: 'domestic' or "
              "'international') and express (bool, default false). The response has cost (float). The cost is 5.00 "
              "plus 1.20 per kg; international doubles that; express then adds 10.00; round to 2 decimals. A "
              "negative weight or an unknown zone is a validation error."),
    NewPrompt("password_strength", "compute", "password_strength_compute",
              "Generate a compute node named PasswordStrength. The request has password (str). The response has "
              "score (int) and verdict (str). One point each for: a length of at least 8, a lowercase letter, an "
              "uppercase letter, a digit, a character that is neither a letter nor a digit. verdict is 'weak' for a "
              "score below 3, 'medium' for 3 or 4, 'strong' for 5. An empty password is a validation error."),
    NewPrompt("loan_payment", "compute", "loan_payment_compute",
              "Generate a compute node named LoanPayment. The request has principal (float), annual_rate_percent "
              "(float) and months (int). The response has monthly_payment (float): principal * r / (1 - (1 + r) ** "
              "-months) where r is annual_rate_percent / 1200, or principal / months when the rate is 0; round to 2 "
              "decimals. months below 1 or a negative principal is a validation error."),
    NewPrompt("slug_maker", "compute", "slug_maker_compute",
              "Generate a compute node named SlugMaker. The request has title (str). The response has slug (str): "
              "the title lower-cased, every run of characters that are not letters or digits replaced by one hyphen, "
              "with no hyphen at either end. A title with no letter or digit is a validation error."),
    NewPrompt("order_totals", "reducer", "order_totals_reducer",
              "Generate a reducer node named OrderTotals. The request has orders (a list of dicts with customer (str) "
              "and amount (float)). The response has totals (dict of customer to the sum of their amounts) and "
              "order_count (int). A negative amount is a validation error."),
    NewPrompt("temperature_stats", "reducer", "temperature_stats_reducer",
              "Generate a reducer node named TemperatureStats. The request has readings (list of float). The response "
              "has minimum (float), maximum (float) and mean (float, rounded to 1 decimal). An empty list of "
              "readings is a validation error."),
    NewPrompt("word_counter", "reducer", "word_counter_reducer",
              "Generate a reducer node named WordCounter. The request has lines (list of str). The response has "
              "counts (dict of word to int): how often each word occurs, the words lower-cased and split on "
              "whitespace; and total_words (int)."),
    NewPrompt("deploy_plan", "orchestrator", "deploy_plan_orchestrator",
              "Generate an orchestrator node named DeployPlan. The request has steps (list of str) and dependencies "
              "(dict of step to the list of steps it needs). The response has order (list of str): every step after "
              "the steps it needs, otherwise in the given order. A dependency cycle is a validation error."),
    NewPrompt("retry_schedule", "orchestrator", "retry_schedule_orchestrator",
              "Generate an orchestrator node named RetrySchedule. The request has attempts (int) and base_delay_s "
              "(float). The response has delays (list of float): the wait before each retry, one per attempt, "
              "base_delay_s doubled after each one (base, 2 * base, 4 * base, ...), each at most 60.0. attempts below "
              "1 is a validation error."),
    NewPrompt("csv_summer", "effect", "csv_summer_effect",
              "Generate an effect node named CsvSummer. The request has folder (str) and file_name (str): a CSV file "
              "in that folder with a header row and a column named amount. The response has total (float), the sum "
              "of the amount column, and rows (int), the number of data rows. A missing file is a FILE_NOT_FOUND "
              "error."),
    NewPrompt("inventory_lookup", "effect", "inventory_lookup_effect",
              "Generate an effect node named InventoryLookup. The request has database (str), the path of an SQLite "
              "database with a table items (sku TEXT, quantity INTEGER), and sku (str). The response has quantity "
              "(int), the quantity of that sku. An unknown sku is a RESOURCE_NOT_FOUND error."),
    NewPrompt("invoice_fetcher", "effect", "invoice_fetcher_effect",
              "Generate an effect node named InvoiceFetcher. The request has base_url (str) and invoice_id (int). It "
              "gets base_url/invoices/invoice_id over HTTP with httpx; the JSON answer has total and currency. The "
              "response has total (float) and currency (str). A 404 answer is a RESOURCE_NOT_FOUND error."),
]  # fmt: skip

__all__ = ["NEW_PROMPTS", "NewPrompt"]
