package graph

// deletedID is the ID of a deleted object for a payload (nil: nothing was
// deleted).
func deletedID(id int) *int {
	if id == 0 {
		return nil
	}
	return &id
}
