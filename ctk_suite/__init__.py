"""pytest port of TM Forum's CTK for TMF622 Product Ordering v4.0.0 (scenarios N1, N2, E1)."""
