print("reseau")
