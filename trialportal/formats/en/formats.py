# Months written out: "September 16, 2025" reads more calmly than "Sept. 16, 2025".
DATE_FORMAT = "F j, Y"
