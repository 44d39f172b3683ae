package prefdyn.reference.checkpoint;

/** The element type model parameters are stored in: lossless float64 (the default) or half the size float32. */
public enum Precision {
    /** Lossless: loading gives back the exact bits that were saved. */
    FLOAT64(DType.F64, "float64"),
    /** Each parameter rounded to the nearest float ({@code (float) value}); half the file size. */
    FLOAT32(DType.F32, "float32");

    private final DType dtype;
    private final String torchDtype;

    Precision(DType dtype, String torchDtype) {
        this.dtype = dtype;
        this.torchDtype = torchDtype;
    }

    /** The safetensors element type. */
    public DType dtype() {
        return dtype;
    }

    /** The name written as {@code torch_dtype} in {@code config.json}. */
    public String torchDtype() {
        return torchDtype;
    }
}
