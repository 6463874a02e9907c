// Linked with one layer's whole library and the layers below it: the link fails when any object
// of that layer refers to a symbol of a layer above.
int main() { return 0; }
