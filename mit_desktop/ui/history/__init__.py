"""The History screen: its panels, the data they show, and the PDF report for a therapist."""
